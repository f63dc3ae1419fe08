import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';

async function start(): Promise<void> {
  // Outside Tauri during `npm run dev`, an in-memory fake answers the commands. The whole branch,
  // and with it the fake, is removed from production builds.
  if (import.meta.env.DEV && !('__TAURI_INTERNALS__' in window)) {
    const { installMockBackend } = await import('./dev/mockBackend');
    installMockBackend();
  }
  const target = document.getElementById('app');
  if (!target) throw new Error('#app is missing from index.html');
  mount(App, { target });
}

void start();
