/** The pinned version of a Go tool (tools/go-tools/versions.sh). */
export function goToolVersion(name: string): string;
/** Path of the built Go tool; throws naming the set-up step when it is missing. */
export function goTool(name: string): string;
