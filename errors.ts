/** Stable codes for errors a user can cause; anything else is our bug and keeps its stack. */
export type ShadowdeskErrorCode =
  | 'SD_INPUT_NOT_FOUND'
  | 'SD_FORMAT_UNKNOWN'
  | 'SD_FORMAT_UNDETECTED'
  | 'SD_MAPPING_INVALID'
  | 'SD_NOTHING_IMPORTED'
  | 'SD_WORKSPACE'
  | 'SD_INTERRUPTED'
  | 'SD_MODEL_UNAVAILABLE'
  | 'SD_INPUT_INVALID';

export class ShadowdeskError extends Error {
  override readonly name = 'ShadowdeskError';
  constructor(
    readonly code: ShadowdeskErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isShadowdeskError(error: unknown): error is ShadowdeskError {
  return error instanceof ShadowdeskError;
}
