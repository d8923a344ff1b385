package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notifications are pushed live to connected users and kept in the inbox for offline ones, with read/unread. */
class NotificationTest extends RunningBaton {

    @Test
    void overriddenUser_isNotifiedLive_andTheInboxKeepsIt_untilRead() {
        var okafor = baton.connect("okafor");
        okafor.answer(okafor.send("resource:join", Map.of("resourceId", "catheter:8", "mode", "editor")));
        baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                Map.of("resourceId", "catheter:8", "emergency", true, "reason", "Emergency surgery update"));
        JsonNode live = okafor.await("notification", d -> d.path("type").asText().equals("lock_override"));
        assertThat(live.at("/data/message").asText()).contains("Dr. Alan Johnson").contains("Emergency surgery update");

        String token = baton.token("okafor");
        var inbox = baton.call("GET", "/api/notifications", token, null);
        assertThat(inbox.body().path("unread").asInt()).isEqualTo(1);
        long id = inbox.body().path("notifications").get(0).path("id").asLong();
        assertThat(baton.call("POST", "/api/notifications/read", baton.token("chen"), Map.of("ids", new long[] {id})).body().path("marked").asInt())
                .as("another user cannot mark it").isZero();
        assertThat(baton.call("POST", "/api/notifications/read", token, Map.of("ids", new long[] {id})).body().path("marked").asInt()).isEqualTo(1);
        assertThat(baton.call("GET", "/api/notifications?unread=true", token, null).body().path("notifications").size()).isZero();
    }

    @Test
    void offlineUser_findsLockAvailableInTheInbox_afterAQueueHandOver() {
        String sharma = baton.token("sharma");
        var held = baton.call("POST", "/api/locks/acquire", sharma, Map.of("resourceId", "patient:2"));
        baton.call("POST", "/api/locks/queue/join", baton.token("chen"), Map.of("resourceId", "patient:2"));
        baton.call("POST", "/api/locks/release", sharma, Map.of("resourceId", "patient:2", "leaseId", held.body().at("/lease/leaseId").asText()),
                Map.of("X-Session-Id", held.raw().headers().firstValue("X-Session-Id").orElseThrow()));
        JsonNode items = baton.call("GET", "/api/notifications", baton.token("chen"), null).body().path("notifications");
        assertThat(items.findValuesAsText("type")).as("issue 13.3: lock_available also with auto-acquire").contains("lock_available");
        assertThat(items.findValuesAsText("message")).anyMatch(m -> m.contains("you have patient:2:main now"));
        assertThat(baton.call("GET", "/api/notifications?limit=9999", baton.token("chen"), null).code()).isEqualTo("INVALID_FIELD");
    }
}
