import type { BenchSection } from '../section.ts';

export const escalation: BenchSection = {
  id: 'escalation',
  title: 'escalation',
  async run() {
    return { title: 'escalation', columns: [], rows: [], targets: [] };
  },
};
