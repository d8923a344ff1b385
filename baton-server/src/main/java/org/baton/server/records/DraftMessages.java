package org.baton.server.records;

import java.util.Map;
import org.baton.core.record.Draft;
import org.baton.server.locks.Requests;
import org.baton.server.session.ClientSession;
import org.baton.server.session.Outbound;
import org.baton.server.session.SessionRegistry;
import org.baton.server.ws.Envelope;
import org.baton.server.ws.MessageHandler;

/** Adds {@code draft:save} to the WebSocket's lock messages; everything else goes on to the next handler. */
public final class DraftMessages implements MessageHandler {
    private final Drafts drafts;
    private final MessageHandler next;

    public DraftMessages(Drafts drafts, MessageHandler next) {
        this.drafts = drafts;
        this.next = next;
    }

    @Override
    public void onReady(SessionRegistry.Binding binding) {
        next.onReady(binding);
    }

    @Override
    public void onMessage(ClientSession session, Envelope message) {
        if (!message.event().equals("draft:save")) {
            next.onMessage(session, message);
            return;
        }
        var data = message.data();
        Draft draft = drafts.save(session.identity(), session.id(), Requests.resourceId(data), data.get("data"), Requests.wholeNumber(data, "baseVersion", 0));
        session.deliver(new Outbound("draft:saved", Map.of("resourceId", draft.resourceId().toString(), "savedAt", draft.savedAt()),
                message.ref()));
    }

    @Override
    public void onDisconnected(ClientSession session) {
        next.onDisconnected(session);
    }
}
