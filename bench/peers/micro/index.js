// GET /hello/{name} -> "Hello, {name}", as the Micron and ASP.NET Core servers in bench/ answer it.
module.exports = (req) => 'Hello, ' + req.url.slice('/hello/'.length);
