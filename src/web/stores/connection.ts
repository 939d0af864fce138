// The socket's state as the header shows it: `syncing` from (re)connect until the catch-up
// and the reload of the open conversation are done, only then `online`.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type ConnectionState = 'offline' | 'syncing' | 'online';

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('offline');
  const lastError = ref<string | null>(null);
  const soundOn = ref(localStorageFlag('hub.sound', true));
  const desktopOn = ref(localStorageFlag('hub.desktop', true));

  function set(next: ConnectionState, error: string | null = null): void {
    state.value = next;
    lastError.value = error;
  }

  function toggleSound(on: boolean): void {
    soundOn.value = on;
    saveFlag('hub.sound', on);
  }

  function toggleDesktop(on: boolean): void {
    desktopOn.value = on;
    saveFlag('hub.desktop', on);
  }

  return { state, lastError, soundOn, desktopOn, set, toggleSound, toggleDesktop };
});

function localStorageFlag(key: string, fallback: boolean): boolean {
  if (typeof localStorage === 'undefined') return fallback;
  const value = localStorage.getItem(key);
  return value === null ? fallback : value === '1';
}

function saveFlag(key: string, on: boolean): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(key, on ? '1' : '0');
}
