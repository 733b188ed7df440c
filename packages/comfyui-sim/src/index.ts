/**
 * `@comfy-progress/comfyui-sim`: a ComfyUI stand-in on loopback.
 *
 * @module
 */
export {}
