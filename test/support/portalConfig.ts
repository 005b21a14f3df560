/**
 * The extra config layer a test portal runs with on top of app-config.yaml:
 * its own ports, a fresh SQLite directory, and the test's own vendor key.
 */
export interface PortalConfigOptions {
  backendPort: number;
  /** The frontend's port, when the test runs the app too. */
  appPort?: number;
  /** Host name in URLs (default 127.0.0.1; a browser test uses localhost). */
  host?: string;
  dbDir: string;
  vendorKey: { kid: string; publicKeyFile: string };
}

export function portalConfigYaml(o: PortalConfigOptions): string {
  const host = o.host ?? '127.0.0.1';
  const lines = [
    ...(o.appPort ? ['app:', `  baseUrl: http://${host}:${o.appPort}`] : []),
    'backend:',
    `  baseUrl: http://${host}:${o.backendPort}`,
    '  listen:',
    `    port: ${o.backendPort}`,
    ...(o.appPort ? ['  cors:', `    origin: http://${host}:${o.appPort}`] : []),
    '  database:',
    '    client: better-sqlite3',
    '    connection:',
    `      directory: ${JSON.stringify(o.dbDir)}`,
    'licenseManagement:',
    '  vendorKeys:',
    `    - kid: ${o.vendorKey.kid}`,
    '      publicKey:',
    `        $file: ${JSON.stringify(o.vendorKey.publicKeyFile)}`,
    '',
  ];
  return lines.join('\n');
}
