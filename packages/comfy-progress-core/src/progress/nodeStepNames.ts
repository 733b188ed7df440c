/**
 * What the progress banner says while a node of a given class runs: the design document's
 * `NODE_STEP_NAMES`, extended to the core ComfyUI nodes of the txt2img, img2img, inpaint, LoRA,
 * ControlNet and upscale workflows. Every key is a real `class_type` of ComfyUI 0.3.64 (a test checks
 * them against the recorded `object_info.json`).
 *
 * Frozen: to rename a step, pass your own table to `describeNode` / `initialProgressState`
 * (`stepNames` option), e.g. `{...NODE_STEP_NAMES, KSampler: 'Painting...'}`.
 */
export const NODE_STEP_NAMES: Readonly<Record<string, string>> = Object.freeze({
  // the design document's five
  KSampler: 'Sampling image...',
  VAEDecode: 'Decoding image...',
  SaveImage: 'Saving image...',
  CLIPTextEncode: 'Encoding prompt...',
  CheckpointLoaderSimple: 'Loading model...',
  // sampling
  KSamplerAdvanced: 'Sampling image...',
  SamplerCustom: 'Sampling image...',
  SamplerCustomAdvanced: 'Sampling image...',
  // models
  CheckpointLoader: 'Loading model...',
  UNETLoader: 'Loading model...',
  CLIPLoader: 'Loading text encoder...',
  DualCLIPLoader: 'Loading text encoder...',
  VAELoader: 'Loading VAE...',
  LoraLoader: 'Loading LoRA...',
  LoraLoaderModelOnly: 'Loading LoRA...',
  ControlNetLoader: 'Loading ControlNet...',
  UpscaleModelLoader: 'Loading upscale model...',
  // conditioning
  CLIPTextEncodeSDXL: 'Encoding prompt...',
  ControlNetApply: 'Applying ControlNet...',
  ControlNetApplyAdvanced: 'Applying ControlNet...',
  // latents and images
  EmptyLatentImage: 'Preparing latent image...',
  EmptySD3LatentImage: 'Preparing latent image...',
  LatentUpscale: 'Upscaling latent...',
  LatentUpscaleBy: 'Upscaling latent...',
  VAEDecodeTiled: 'Decoding image...',
  VAEEncode: 'Encoding image...',
  VAEEncodeTiled: 'Encoding image...',
  VAEEncodeForInpaint: 'Preparing inpainting...',
  InpaintModelConditioning: 'Preparing inpainting...',
  SetLatentNoiseMask: 'Applying mask...',
  LoadImage: 'Loading image...',
  LoadImageMask: 'Loading mask...',
  ImageScale: 'Resizing image...',
  ImageScaleBy: 'Resizing image...',
  ImageUpscaleWithModel: 'Upscaling image...',
  PreviewImage: 'Preparing preview...',
})
