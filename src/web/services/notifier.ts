// A short chime and a desktop notification for a new message while the tab is hidden.
import { useConnectionStore } from '../stores/connection';

let audio: AudioContext | null = null;

function chime(): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch {
    // No audio device (or autoplay refused before any click): the badge still shows.
  }
}

export function askDesktopPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}

export function notifyNewMessage(title: string, body: string): void {
  if (typeof document === 'undefined' || document.visibilityState === 'visible') return;
  const connection = useConnectionStore();
  if (connection.soundOn) chime();
  if (connection.desktopOn && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    const note = new Notification(title, { body, tag: 'hub-message' });
    note.onclick = () => window.focus();
  }
}
