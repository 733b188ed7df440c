/**
 * Python tracebacks of the runtime errors recorded from ComfyUI 0.3.64 in
 * `fixtures/comfyui/05-runtime-error.jsonl`, used verbatim by the simulator's built-in failures
 * (and their first frames, which every node error shares, for injected failures).
 *
 * @module
 */

/** Where the recorded server ran; its error messages and tracebacks name these paths. */
export const COMFYUI_ROOT = '/root/comfy-work/ComfyUI'

/** VAEDecode of a 16-channel latent with an SD1.5 VAE (`RuntimeError`). */
export const VAE_DECODE_TRACEBACK: readonly string[] = [
  '  File "/root/comfy-work/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n                                                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/execution.py", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/execution.py", line 289, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n',
  '  File "/root/comfy-work/ComfyUI/execution.py", line 277, in process_inputs\n    result = f(**inputs)\n             ^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/nodes.py", line 295, in decode\n    images = vae.decode(samples["samples"])\n             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/comfy/sd.py", line 689, in decode\n    out = self.process_output(self.first_stage_model.decode(samples, **vae_options).to(self.output_device).float())\n                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/comfy/ldm/models/autoencoder.py", line 210, in decode\n    dec = self.post_quant_conv(z)\n          ^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/opt/torch/.venv/lib/python3.12/site-packages/torch/nn/modules/module.py", line 1779, in _wrapped_call_impl\n    return self._call_impl(*args, **kwargs)\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/opt/torch/.venv/lib/python3.12/site-packages/torch/nn/modules/module.py", line 1790, in _call_impl\n    return forward_call(*args, **kwargs)\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/comfy/ops.py", line 143, in forward\n    return super().forward(*args, **kwargs)\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/opt/torch/.venv/lib/python3.12/site-packages/torch/nn/modules/conv.py", line 553, in forward\n    return self._conv_forward(input, self.weight, self.bias)\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/opt/torch/.venv/lib/python3.12/site-packages/torch/nn/modules/conv.py", line 548, in _conv_forward\n    return F.conv2d(\n           ^^^^^^^^^\n',
]

/** LoadImage of a file that is not an image (`PIL.UnidentifiedImageError`). */
export const LOAD_IMAGE_TRACEBACK: readonly string[] = [
  '  File "/root/comfy-work/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n                                                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/execution.py", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/execution.py", line 289, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n',
  '  File "/root/comfy-work/ComfyUI/execution.py", line 277, in process_inputs\n    result = f(**inputs)\n             ^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/nodes.py", line 1647, in load_image\n    img = node_helpers.pillow(Image.open, image_path)\n          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n',
  '  File "/root/comfy-work/ComfyUI/node_helpers.py", line 31, in pillow\n    x = fn(arg)\n        ^^^^^^^\n',
  '  File "/opt/torch/.venv/lib/python3.12/site-packages/PIL/Image.py", line 3715, in open\n    raise UnidentifiedImageError(msg)\n',
]

/** The frames from `execution.py` that lead into any node's function (the first four of each recording). */
export const NODE_CALL_TRACEBACK: readonly string[] = VAE_DECODE_TRACEBACK.slice(0, 4)
