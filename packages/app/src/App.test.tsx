import { render, screen } from '@testing-library/react';
import React from 'react';

describe('App', () => {
  it('starts on the sign-in page with guest sign-in', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'License Management Portal', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    const { default: App } = await import('./App');
    render(<App />);
    expect(await screen.findByText('Guest', {}, { timeout: 100_000 })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
  }, 120_000);
});
