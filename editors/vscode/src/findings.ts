// How the user's settings reshape what the server reports. Kept free of the `vscode` module so
// that it can be unit-tested under plain Node; severities are the LSP/VS Code numbering
// (0 error, 1 warning, 2 information, 3 hint), which both sides share.

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

export interface FindingSettings {
  ignore: readonly string[];
  severity: Readonly<Record<string, SeverityName>>;
  sizeDiagnostics: boolean;
}

export interface Reported {
  code?: string | number | { value: string | number };
  severity?: number;
}

const SEVERITIES: Record<SeverityName, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function codeOf(reported: Reported): string | undefined {
  const code = typeof reported.code === 'object' ? reported.code.value : reported.code;
  return code === undefined ? undefined : String(code).toUpperCase();
}

// Syntax rules are the builder's own errors: the size toggle never hides them.
function isSizeRule(code: string): boolean {
  return /^DKL[1-9]\d\d$/.test(code);
}

/** The findings to show, with the user's severities applied by `withSeverity` (which must copy). */
export function reshape<T extends Reported>(
  reported: readonly T[],
  settings: FindingSettings,
  withSeverity: (finding: T, severity: number) => T,
): T[] {
  const ignored = new Set(settings.ignore.map((code) => code.toUpperCase()));
  const severities = new Map(
    Object.entries(settings.severity).map(([code, name]) => [code.toUpperCase(), SEVERITIES[name]]),
  );
  return reported.flatMap((finding) => {
    const code = codeOf(finding);
    if (code === undefined) {
      return [finding];
    }
    if (ignored.has(code) || (!settings.sizeDiagnostics && isSizeRule(code))) {
      return [];
    }
    const severity = severities.get(code);
    return severity === undefined ? [finding] : [withSeverity(finding, severity)];
  });
}
