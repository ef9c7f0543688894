import type { BenchSection } from '../section.ts';

export const fanout: BenchSection = {
  id: 'fanout',
  title: 'fanout',
  async run() {
    return { title: 'fanout', columns: [], rows: [], targets: [] };
  },
};
