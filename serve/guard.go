package serve

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// The draw page listens on loopback, but the browser that shows it also visits other web
// sites. Two defences keep those sites out, as Jupyter and other local web tools do:
//
//   - DNS rebinding: a foreign page makes its own name (evil.example) resolve to 127.0.0.1
//     and then calls the API as a same-origin page. The browser still sends the foreign
//     name as the Host header, so hostGuard answers 403 to any Host that is not a loopback
//     name or address, the host of --addr, or one given with --allow-host.
//   - Cross-site requests: a foreign page posts to http://127.0.0.1:PORT/api/save.
//     net/http's CrossOriginProtection refuses state-changing requests whose
//     Sec-Fetch-Site or Origin header says they come from another origin.
func guard(h http.Handler, addr string, allowHosts []string) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusForbidden, "cross-origin request refused: only the page served here may post to this API")
	}))
	return newHostGuard(addr, allowHosts, cop.Handler(h))
}

// hostGuard passes on requests whose Host header names this server.
type hostGuard struct {
	names map[string]bool // lower-case host names or addresses allowed besides loopback
	anyIP bool            // listening on every interface: any IP literal may reach it
	next  http.Handler
}

func newHostGuard(addr string, allowHosts []string, next http.Handler) *hostGuard {
	g := &hostGuard{names: map[string]bool{}, next: next}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		// A rebinding page always sends a name, never an IP literal, so IP
		// literals are safe to accept when every interface listens.
		g.anyIP = true
	} else {
		g.names[canonicalHost(host)] = true
	}
	for _, h := range allowHosts {
		g.names[canonicalHost(h)] = true
	}
	return g
}

func (g *hostGuard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.allowed(r.Host) {
		jsonError(w, http.StatusForbidden, fmt.Sprintf("Host %q refused: this server answers only to loopback names and addresses and the host of --addr (see --allow-host)", r.Host))
		return
	}
	g.next.ServeHTTP(w, r)
}

// allowed reports whether a Host header (host or host:port) names this server.
func (g *hostGuard) allowed(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport // no port
	}
	host = canonicalHost(host)
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || g.anyIP || g.names[ip.String()]
	}
	// RFC 6761: localhost and its sub-domains always resolve to loopback in browsers.
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || g.names[host]
}

// canonicalHost lower-cases a host, drops IPv6 brackets and a final dot, and writes an IP
// address in its standard form.
func canonicalHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")), ".")
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return h
}
