/**
 * The index page: type a prompt, pick a workflow, Generate; each image is followed by a progress
 * banner and joins the carousel when it is done.
 *
 * @module
 */
import { render } from 'preact'
import { CreateForm } from './components/CreateForm.js'
import { Studio } from './components/Studio.js'

render(
  <Studio page="index" renderComposer={(generate) => <CreateForm generate={generate} />} />,
  document.getElementById('app')!,
)
