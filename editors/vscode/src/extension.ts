// Starts `dockerlean lsp` for Dockerfiles and reshapes what it reports by the user's settings.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { locate } from './binary';
import { FindingSettings, reshape } from './findings';

const INSTALL_HINT =
  'Install it with `cargo install --locked --path .` in a checkout of dockerlean (this puts it in ~/.cargo/bin), ' +
  'or set "dockerlean.path" to the binary.';

let client: LanguageClient | undefined;

function findingSettings(): FindingSettings {
  const config = vscode.workspace.getConfiguration('dockerlean');
  return {
    ignore: config.get<string[]>('rules.ignore', []),
    severity: config.get<FindingSettings['severity']>('rules.severity', {}),
    sizeDiagnostics: config.get<boolean>('sizeHints.diagnostics', true),
  };
}

function hoverEnabled(): boolean {
  return vscode.workspace.getConfiguration('dockerlean').get<boolean>('sizeHints.hover', true);
}

async function start(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Promise<void> {
  const configured = vscode.workspace.getConfiguration('dockerlean').get<string>('path', '');
  const binary = locate(configured, context.extensionPath, process.env.PATH);
  if (!binary.found) {
    const message = `dockerlean: the language server binary was not found (looked for ${binary.looked.join(', ')}). ${INSTALL_HINT}`;
    output.appendLine(message);
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'dockerlean.path');
    }
    return;
  }
  output.appendLine(`dockerlean: starting ${binary.path} lsp`);
  // No `transport` on purpose: TransportKind.stdio would append `--stdio`, which the CLI
  // rejects next to the `lsp` subcommand.
  const serverOptions: ServerOptions = { command: binary.path, args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'dockerfile' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,Containerfile.*}' },
    ],
    outputChannel: output,
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) =>
        next(uri, reshape(diagnostics, findingSettings(), withSeverity)),
      provideHover: (document, position, token, next) =>
        hoverEnabled() ? next(document, position, token) : undefined,
    },
  };
  client = new LanguageClient('dockerlean', 'dockerlean', serverOptions, clientOptions);
  await client.start();
}

function withSeverity(diagnostic: vscode.Diagnostic, severity: number): vscode.Diagnostic {
  const copy = new vscode.Diagnostic(diagnostic.range, diagnostic.message, severity);
  return Object.assign(copy, diagnostic, { severity });
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('dockerlean', { log: true });
  const restart = async () => {
    await stop();
    await start(context, output);
  };
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('dockerlean.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dockerlean')) {
        void restart();
      }
    }),
  );
  await start(context, output);
}

export function deactivate(): Promise<void> {
  return stop();
}
