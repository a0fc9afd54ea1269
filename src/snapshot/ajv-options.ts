/** ajv's options for the snapshot schema, shared by the run-time compiler and the build-time one. */
export const AJV_OPTIONS = {allErrors: false, strict: false, validateFormats: false} as const
