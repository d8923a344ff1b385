package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.baton.server.http.StaticPages;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 11 (pages): every HTML page sends a Content-Security-Policy without inline script and with
 * {@code frame-ancestors 'none'}, a Referrer-Policy and {@code nosniff}; {@code HEAD} answers as {@code GET} does,
 * without a body; the favicon exists. (The browser side — no CSP violation in the console — is in BrowserTest.)
 */
class PageHeadersTest extends RunningBaton {
    static final List<String> PAGES = List.of("/", "/signin", "/records", "/record", "/admin");

    HttpResponse<String> send(String method, String path) throws Exception {
        return baton.http.send(HttpRequest.newBuilder(URI.create(baton.base() + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issue12_pages_sendAStrictContentSecurityPolicy_andNoInlineScript() throws Exception {
        for (String page : PAGES) {
            HttpResponse<String> get = send("GET", page);
            assertThat(get.statusCode()).as(page).isEqualTo(200);
            String csp = get.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(page).contains("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(get.headers().firstValue("Referrer-Policy")).as(page).hasValue("no-referrer");
            assertThat(get.headers().firstValue("X-Content-Type-Options")).as(page).hasValue("nosniff");
            assertThat(get.body()).as(page + " has no inline script or handler")
                    .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                    .doesNotContainPattern("\\son[a-z]+=")
                    .doesNotContain("style=\"")
                    .contains("rel=\"icon\"");
        }
        assertThat(StaticPages.CONTENT_SECURITY_POLICY).contains("default-src 'self'");
    }

    @Test
    void issue12_head_answersLikeGet_withoutABody() throws Exception {
        for (String path : List.of("/", "/records", "/js/lock-manager.js", "/baton.css", "/favicon.ico")) {
            HttpResponse<String> get = send("GET", path);
            HttpResponse<String> head = send("HEAD", path);
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode()).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(get.headers().firstValue("Content-Type"));
            assertThat(head.headers().firstValue("Content-Security-Policy")).as(path).isEqualTo(get.headers().firstValue("Content-Security-Policy"));
            assertThat(head.headers().firstValueAsLong("Content-Length")).as(path).hasValue(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        assertThat(send("HEAD", "/no-such-page").statusCode()).isEqualTo(404);
    }

    @Test
    void favicon_isServed() throws Exception {
        HttpResponse<String> icon = send("GET", "/favicon.ico");
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
        assertThat(icon.body()).startsWith("<svg");
    }
}
