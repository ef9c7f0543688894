import type { BenchSection } from '../section.ts';

export const cost: BenchSection = {
  id: 'cost',
  title: 'cost',
  async run() {
    return { title: 'cost', columns: [], rows: [], targets: [] };
  },
};
