/** A refusal to touch a path (outside the output folder, through a symbolic link, not a regular file, ...). */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}
