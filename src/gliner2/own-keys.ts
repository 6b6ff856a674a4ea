/**
 * Result objects keyed by the user's field and label names. A name is any string — `__proto__`, `constructor`
 * and `toString` included — so keys are set as own data properties (plain assignment of `__proto__` would
 * replace the prototype and drop the field) and looked up with `Object.hasOwn` by the callers (`in` sees inherited members).
 */
export function setOwn<T extends object>(target: T, key: string, value: T[keyof T]): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
