export interface SectionResult {
  results: Record<string, unknown>;
  /** Table rows: what, figure, latency, compared with. */
  rows: string[][];
  targets: Array<{ name: string; met: boolean; value: string }>;
}

/** How big a run is: `full` for the figures, `quick` for a rough look, `smoke` only to see every section still runs. */
export type Scale = 'full' | 'quick' | 'smoke';

export interface Section {
  name: string;
  title: string;
  run(options: {
    scale: Scale;
    /** The size or duration for this run's scale. */
    sized: <T>(choices: Record<Scale, T>) => T;
    log: (line: string) => void;
  }): Promise<SectionResult>;
}
