/**
 * The inpaint page: pick an image, paint a mask, describe the change, Generate; the result is
 * followed by a progress banner and joins the carousel.
 *
 * @module
 */
import { render } from 'preact'
import { InpaintForm } from './components/InpaintForm.js'
import { Studio } from './components/Studio.js'

render(
  <Studio page="inpaint" renderComposer={(generate) => <InpaintForm generate={generate} />} />,
  document.getElementById('app')!,
)
