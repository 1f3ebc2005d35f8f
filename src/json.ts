/**
 * JSON from outside (a provider's body, a stored column, a model's answer) that may not be JSON
 * at all: an HTML error page, an empty body, a truncated write. Only a SyntaxError means "not
 * JSON"; anything else is a bug and is thrown.
 */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined; // JSON.parse never yields undefined itself
    throw error;
  }
}
