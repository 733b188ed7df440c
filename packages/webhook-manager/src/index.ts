/**
 * Placeholder until the package lands.
 *
 * @module
 */
export {}
