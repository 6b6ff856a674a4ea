/** Exit codes of the `gliner-ts` command. */
export const EXIT = {
  ok: 0,
  /** Inference or I/O failed at run time. */
  failure: 1,
  /** Bad flags or bad input (usage error). */
  usage: 2,
  /** The model could not be loaded or downloaded. */
  model: 3,
} as const;
