import { PullDoctorError } from '../errors/index.js';

/** How many diagnoses asked from Teams run at once in this process, and how many may wait for a place. */
export interface DiagnosisLimits {
  running: number;
  waiting: number;
}

/**
 * Each diagnosis opens a few connections (the API server, ARM, registries): 500 at once opened 2,960 files. Eight at
 * a time answer a busy on-call channel within seconds; forty waiting is a few minutes of work at worst.
 */
export const DIAGNOSIS_LIMITS: DiagnosisLimits = { running: 8, waiting: 40 };

/** Where a diagnosis asked for now would stand: started at once, or `position` in line (1: next). */
export type DiagnosisOutlook = { queued: false } | { queued: true; position: number } | { full: true };

/**
 * The per-process bound on diagnoses asked from Teams (messages and Re-run / Diagnose buttons). Beyond `running`
 * they wait in line — the "Diagnosing…" card says so — and beyond `waiting` they are not started: the person is
 * told the bot is busy and offered Try again, rather than left on "Diagnosing…" forever.
 */
export class DiagnosisQueue {
  private running = 0;
  private readonly line: Array<() => void> = [];

  constructor(private readonly limits: DiagnosisLimits = DIAGNOSIS_LIMITS) {}

  /** What a diagnosis asked for now would meet (for the card shown while it waits). */
  outlook(): DiagnosisOutlook {
    if (this.running < this.limits.running) return { queued: false };
    if (this.line.length < this.limits.waiting) return { queued: true, position: this.line.length + 1 };
    return { full: true };
  }

  /** Runs `work` once a place is free; throws the busy error when the line is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.running) {
      if (this.line.length >= this.limits.waiting) throw this.busy();
      await new Promise<void>((resolve) => this.line.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.line.shift();
      // The place passes to the next in line as it is; otherwise it is freed.
      if (next) next();
      else this.running--;
    }
  }

  /** Why a diagnosis was not started. */
  busy(): PullDoctorError {
    return new PullDoctorError('BUSY', `Pull Doctor is running ${this.limits.running} diagnoses and ${this.limits.waiting} more are waiting, so this one was not started.`, {
      advice: 'Try again in a minute or two.',
    });
  }
}
