import '@backstage/cli/asset-types';
// The styles of Backstage UI, which draws the new frontend system's page headers and tabs.
import '@backstage/ui/css/styles.css';
// The portal's few adjustments to them.
import './styles.css';
import React from 'react';
import ReactDOM from 'react-dom/client';
import App from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(<App />);
