export declare const WEB_DIR: string;
export declare const WEB_BUNDLE: string;
export declare const SCF_NODE_PATH: string;
export declare function writeWebFolder(dir?: string): void;
