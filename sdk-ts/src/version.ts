/** The engine/protocol version shared by the CLI, the server and the Python bindings. */
export const ENGINE_VERSION = "0.1.0";
