/**
 * What the recorded ComfyUI 0.3.64 server said about itself (`fixtures/comfyui/00-server-info.jsonl`):
 * `GET /system_stats`, `/models` and the `feature_flags`/`GET /features` answer. The simulator
 * serves these, with its own upload limit.
 *
 * @module
 */

/** `GET /system_stats` as recorded (RAM and VRAM figures are the recorded machine's). */
export const SYSTEM_STATS = {
  system: {
    os: 'posix',
    ram_total: 135148564480,
    ram_free: 133855625216,
    comfyui_version: '0.3.64',
    required_frontend_version: '1.27.10',
    installed_templates_version: null,
    required_templates_version: '0.1.95',
    python_version: '3.12.3 (main, Aug 31 2026, 10:18:26) [GCC 13.3.0]',
    pytorch_version: '2.11.0+cu130',
    embedded_python: false,
    argv: ['main.py', '--listen', '127.0.0.1', '--port', '8188', '--preview-method', 'latent2rgb'],
  },
  devices: [
    {
      name: 'cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync',
      type: 'cuda',
      index: 0,
      vram_total: 85017493504,
      vram_free: 84465090560,
      torch_vram_total: 0,
      torch_vram_free: 0,
    },
  ],
} as const

/** `GET /models`: the model folder names, as recorded. */
export const MODEL_FOLDERS = [
  'checkpoints',
  'configs',
  'loras',
  'vae',
  'text_encoders',
  'diffusion_models',
  'clip_vision',
  'style_models',
  'embeddings',
  'diffusers',
  'vae_approx',
  'controlnet',
  'gligen',
  'upscale_models',
  'custom_nodes',
  'hypernetworks',
  'photomaker',
  'classifiers',
  'model_patches',
  'audio_encoders',
] as const

/** ComfyUI's default `--max-upload-size` (100 MB), advertised in `feature_flags`. */
export const DEFAULT_MAX_UPLOAD_SIZE = 104857600
