/**
 * Placeholder until the server package lands.
 *
 * @module
 */
export {}
