# What the gateway says itself, in English.
#
# Arguments arrive already formatted for the reader's locale and channel:
# money as `€49.90` or `$49.90`, dates in words, titles escaped for markdown
# on the web. Counts are numbers, so plural variants pick the right form.
# Every message here must exist in es/ and fr/ too (a unit test checks).

## Fixed phrases

greeting = Hello! I can find products, answer questions about them, fill your basket and give you a payment link. What are you looking for?
help = Try: "Monet mugs under 20 euros", "is the second one dishwasher safe?", "add two of those", "show my basket", "I want to pay".
goodbye = Thank you for visiting the Museo shop. See you soon!
unknown = Sorry, I did not understand. I can search the shop, answer product questions and handle your basket.
which-product = Which product do you mean? Search first, or give me its name or SKU.
no-basket = Your basket is empty.
nothing-to-change = Your basket is empty, so there is nothing to change yet. What would you like to add?
admin-only = Only shop administrators can do that.
nothing-found = I found nothing matching that.
unavailable = That service is unavailable right now; please try again in a moment.
clarify = I'm not sure what you mean. Are you looking for a product, asking about one, or managing your basket?
which-file = Which file? Give its path on the server.
need-email = Who should I send it to? Give me their e-mail address.
rate-limited = You are sending messages too quickly. Please wait a moment and try again.
forbidden = This session is not allowed to do that.
confirm-delete = Delete { $product } for good? This cannot be undone. Reply "yes" to delete it or "no" to keep it.
confirm-import = Reply "yes" to import it for real, or "no" to leave the catalog as it is.
cancelled = All right, I have cancelled it. Nothing was changed.
already-answered = That question was already answered (in another window?). Nothing more was done.
need-text = What should the message say? Write it after a colon, e.g. "send an e-mail to ana@example.com: your order has shipped".
confirm-send = Send to { $to }: "{ $text }"? Reply "yes" to send it or "no" to cancel.
untitled = (untitled product)

## Search results

products-found =
    { $count ->
        [one] I found 1 product:
       *[other] I found { $count } products:
    }
products-first =
    { $count ->
        [one] Here is the first product:
       *[other] Here are the first { $count } products:
    }
products-more = …and { $count } more.
out-of-stock = out of stock
stock-count =
    { $count ->
        [one] 1 in stock
       *[other] { $count } in stock
    }

## Basket

basket-added = Added { $quantity } × { $product } to your basket.
basket-header =
    { $count ->
        [one] Your basket (1 item):
       *[other] Your basket ({ $count } items):
    }
basket-total = Total: { $total }
basket-more =
    { $count ->
        [one] …and 1 more line.
       *[other] …and { $count } more lines.
    }

## Payment

payment-total = Your order comes to { $total }.
payment-action = Pay now
payment-action-url = Pay now: { $url }
payment-expires = The link is valid until { $expires }.
payment-no-link = I could not get a payment link for your basket. Please try again in a moment.

## Product details and questions

details-link = View the product
details-link-url = View the product: { $url }
answer-none = The product information for { $product } does not answer that.

## Admin: products

admin-created =
    { $state ->
        [published] Created and published { $product }.
       *[draft] Created { $product }, saved as a draft.
    }
admin-updated = Updated { $product }.
admin-deleted = Deleted { $product }.
admin-not-deleted = { $product } was not deleted.
admin-done = Done: { $tool }.

## Admin: imports

admin-import-dry =
    Dry run, nothing was saved: { $created } to create, { $updated } to update, { $unchanged } unchanged, { $failed ->
        [one] 1 failed
       *[other] { $failed } failed
    }.
admin-import-done =
    Import finished: { $created } created, { $updated } updated, { $unchanged } unchanged, { $failed ->
        [one] 1 failed
       *[other] { $failed } failed
    }.
admin-import-partial =
    Before it stopped: { $created } created, { $updated } updated, { $unchanged } unchanged, { $failed ->
        [one] 1 failed
       *[other] { $failed } failed
    }.
admin-import-running = The import is running in the background (job { $job }). Ask me for its status in a moment.
admin-import-cancelled = The import was cancelled after { $rows } rows.
admin-import-failed = The import failed.
admin-import-stopped = It stopped early: { $reason }
admin-import-failure = Row { $row }: { $error }
admin-import-more-failures =
    { $count ->
        [one] …and 1 more failed row.
       *[other] …and { $count } more failed rows.
    }

## Admin: notifications

notify-sent =
    { $channel ->
        [sms] SMS to { $to }: { $status }.
        [whatsapp] WhatsApp message to { $to }: { $status }.
       *[email] E-mail to { $to }: { $status }.
    }
notify-status =
    { $status ->
        [queued] queued
        [accepted] accepted by the provider
        [sending] being sent
        [sent] sent
        [delivered] delivered
        [read] read
        [failed] failed
        [undelivered] not delivered
        [unknown] status unknown
       *[other] { $status }
    }
notify-duplicate = It had already been sent with the same idempotency key, so nothing was sent again.
notify-outbox = It went to the local outbox, not to a real provider.
notify-id = Message id: { $id }

## Conversations: questions, refusals, basket changes

how-many = How many would you like?
no-more = That is everything I found for that search.
refine-empty = None of those match that. The list above still stands.
help-none = I could not find that in our help pages. Our customer service can help: shop@museo.example.
which-order = What is your order number? It starts with "ord_" and is in your confirmation e-mail.
which-one = Which one do you mean? Reply with its number or name.
refuse-out-of-stock = Sorry, { $product } is out of stock right now.
refuse-out-of-stock-any = Sorry, that product is out of stock right now.
refuse-not-enough =
    { $available ->
        [one] Sorry, there is only 1 { $product } left in stock.
       *[other] Sorry, there are only { $available } × { $product } left in stock.
    }
refuse-not-found = I could not find that product. Could you give me its name again?
refuse-basket-closed = That basket has already been paid, so it cannot change any more.
refuse-not-in-basket = { $product } is not in your basket.
refuse-not-in-basket-any = That product is not in your basket.
refuse-failed = Sorry, I could not do that with { $product } just now. Please try again.
refuse-failed-any = Sorry, I could not do that just now. Please try again.
basket-now = You now have { $quantity } × { $product } in your basket.
basket-removed = Removed { $product } from your basket.
pick-cheapest = The cheapest is { $product } at { $price }.
pick-dearest = The most expensive is { $product } at { $price }.
order-status =
    { $status ->
        [pending] Your order { $order } is waiting for payment.
        [paid] Your order { $order } is paid and is being prepared.
        [expired] Your order { $order } expired before it was paid.
       *[other] Your order { $order }: { $status }.
    }
products-partial = Nothing matched every word, so these are the closest matches.
