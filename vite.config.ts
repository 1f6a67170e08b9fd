import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs is large by nature; splitting it further gains nothing for a single-page tool.
    chunkSizeWarningLimit: 4000,
  },
  preview: { port: 4173, strictPort: true },
});
