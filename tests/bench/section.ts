export interface SectionResult {
  results: Record<string, unknown>;
  /** Table rows: what, figure, latency, compared with. */
  rows: string[][];
  targets: Array<{ name: string; met: boolean; value: string }>;
}

export interface Section {
  name: string;
  title: string;
  run(options: { quick: boolean; log: (line: string) => void }): Promise<SectionResult>;
}
