export declare function missingSettings(ymlText: string, env: Readonly<Record<string, string | undefined>>): string[];
