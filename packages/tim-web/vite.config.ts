import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precompress } from './build/precompress';

// The dev server proxies the API and its WebSocket to tim-code, so the browser sees one origin
// (no CORS). The Host header is kept, so tim-code's same-origin check accepts the WebSocket's
// Origin; scripts/dev.mjs also lists the dev origins in TIM_ALLOWED_ORIGINS.
const timUrl = process.env.TIM_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [svelte(), precompress()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: timUrl, ws: true },
    },
  },
  build: { target: 'es2022' },
});
