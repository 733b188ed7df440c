import { describe, expect, it } from 'vitest'
import { FileStore, parseAnnotatedName, safeSubfolder } from './FileStore.js'

describe('FileStore', () => {
  it('continues the save counter from the files already there', () => {
    const files = new FileStore()
    expect(files.nextCounter('output', '', 'txt2img')).toBe(1)
    files.set({ folder: 'output', subfolder: '', name: 'txt2img_00001_.png' }, Buffer.from('x'))
    files.set({ folder: 'output', subfolder: '', name: 'txt2img_00007_.png' }, Buffer.from('x'))
    files.set({ folder: 'output', subfolder: 'sub', name: 'txt2img_00009_.png' }, Buffer.from('x'))
    expect(files.nextCounter('output', '', 'txt2img')).toBe(8)
    expect(files.nextCounter('output', 'sub', 'txt2img')).toBe(10)
  })

  it('resolves subfolders and annotations', () => {
    const files = new FileStore()
    files.set({ folder: 'output', subfolder: 'a', name: 'x.png' }, Buffer.from('x'))
    expect(files.resolve('a/x.png [output]')).toEqual(Buffer.from('x'))
    expect(files.resolve('a/x.png')).toBeUndefined()
    expect(files.resolve('../a/x.png [output]')).toBeUndefined()
  })

  it('forgets temp files on restart only', () => {
    const files = new FileStore()
    files.set({ folder: 'temp', subfolder: '', name: 't.png' }, Buffer.from('t'))
    files.set({ folder: 'input', subfolder: '', name: 'i.png' }, Buffer.from('i'))
    files.clearTemp()
    expect(files.list('temp')).toEqual([])
    expect(files.list('input')).toEqual(['i.png'])
  })
})

describe('safeSubfolder and parseAnnotatedName', () => {
  it('accept paths inside the folder and reject escapes', () => {
    expect(safeSubfolder('')).toBe('')
    expect(safeSubfolder('a/./b/')).toBe('a/b')
    expect(safeSubfolder('a/../..')).toBeUndefined()
    expect(safeSubfolder('/etc')).toBeUndefined()
  })

  it('split the folder annotation', () => {
    expect(parseAnnotatedName('x.png [temp]')).toEqual({ name: 'x.png', folder: 'temp' })
    expect(parseAnnotatedName('x.png [bogus]')).toEqual({ name: 'x.png [bogus]', folder: undefined })
  })
})
