export const handler = 42;
export function other(): void {}
