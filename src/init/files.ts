/** A project's files as `init` sees them: a listing and a reader, so scanning needs no real folder in tests. */
export interface ProjectFiles {
  /** Every file, relative POSIX paths (vendored folders already left out). */
  list: readonly string[];
  /** The file's text, or null when it is missing or not readable as text. */
  read(path: string): string | null;
}
