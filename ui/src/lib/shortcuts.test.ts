import { describe, expect, it } from 'vitest';
import { isTyping, shortcutFor } from './shortcuts';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; typing: boolean }> = {}) =>
  shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, typing: false, ...extra });

describe('keyboard shortcuts', () => {
  it('maps the listed keys to their actions', () => {
    expect(press('/')).toBe('search');
    expect(press('k', { ctrlKey: true })).toBe('search');
    expect(press('K', { metaKey: true })).toBe('search');
    expect(press('j')).toBe('next_checkin');
    expect(press('n')).toBe('new_note');
    expect(press('?')).toBe('help');
    expect(press('Escape')).toBe('close');
    expect(press('x')).toBeNull();
  });

  it('leaves letters to the field being typed in, but Ctrl+K and Escape still work there', () => {
    expect(press('j', { typing: true })).toBeNull();
    expect(press('/', { typing: true })).toBeNull();
    expect(press('k', { ctrlKey: true, typing: true })).toBe('search');
    expect(press('Escape', { typing: true })).toBe('close');
    expect(press('n', { altKey: true })).toBeNull();
    expect(press('l', { ctrlKey: true, typing: true })).toBe('lock');
    expect(press('l')).toBeNull();
  });

  it('knows which elements take text', () => {
    const input = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTyping(input)).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(document.createElement('button'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
