/** Where commands write; replaced in tests. */
export interface Output {
  line(text: string): void;
}

export const stdout: Output = { line: text => process.stdout.write(`${text}\n`) };
