// Counts every call of an object's async methods by outcome, whatever implements it (each bridge
// driver gets the same counts without knowing about metrics).
export type CallOutcome = 'ok' | 'retry' | 'failed';

export function countCalls<T extends object>(
  target: T,
  record: (call: string, outcome: CallOutcome) => void,
  classify: (error: unknown) => Exclude<CallOutcome, 'ok'>,
  skip: readonly string[] = [],
): T {
  const counted = { ...target } as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function' || skip.includes(name)) continue;
    const method = value as (...args: unknown[]) => unknown;
    counted[name] = async (...args: unknown[]) => {
      try {
        const result = await method.apply(target, args);
        record(name, 'ok');
        return result;
      } catch (error) {
        record(name, classify(error));
        throw error;
      }
    };
  }
  return counted as T;
}
