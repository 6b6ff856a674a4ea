/**
 * Defaults shared by several surfaces (task schemas, the compat routes, relex, evaluation, conversion checks,
 * GLiNER2): one constant each, so a default is changed in one place. The values are the Python references'.
 */

/** Span probability cut-off when none is given: the reference's `threshold=0.5` (also its relation threshold). */
export const DEFAULT_THRESHOLD = 0.5;
