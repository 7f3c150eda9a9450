// Serves index.js with micro's own request handling (micro.serve) on 127.0.0.1:<port>.
// micro 10's CLI splits `-l tcp://host:port` into two endpoints and listens on a socket file named
// after the host, so the benchmark starts the server through micro's library instead.
const http = require('http');
const { serve } = require('micro');

const port = Number(process.argv[2]);
const server = new http.Server(serve(require('./index.js')));
server.listen(port, '127.0.0.1', () => console.log(`micro: Accepting connections on port ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
