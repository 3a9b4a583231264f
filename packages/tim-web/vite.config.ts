import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precompress } from './build/precompress';

// The dev server proxies the API and its WebSocket to tim-code, so the browser sees one origin
// (no CORS). The page's origin (http://127.0.0.1:5173 or localhost) reaches tim-code in the
// Origin header, and tim-code trusts it because it is in TIM_ALLOWED_ORIGINS' default.
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
