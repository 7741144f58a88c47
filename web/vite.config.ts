/**
 * Vite config for the Vigil web app. `root` is this folder; the production build goes to web/dist
 * and is served by the Vigil server at `/`.
 *
 * Dev: `npx vite web` serves the app with hot reload and proxies /api to a running Vigil server
 * (VIGIL_DEV_API_URL, default http://127.0.0.1:8080).
 */
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, '.', 'VIGIL_');
  const apiUrl = env.VIGIL_DEV_API_URL || 'http://127.0.0.1:8080';
  return {
    base: '/',
    plugins: [react()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: true,
      chunkSizeWarningLimit: 1000,
    },
    server: {
      proxy: {
        '/api': { target: apiUrl, changeOrigin: false },
      },
    },
    preview: {
      proxy: {
        '/api': { target: apiUrl, changeOrigin: false },
      },
    },
  };
});
