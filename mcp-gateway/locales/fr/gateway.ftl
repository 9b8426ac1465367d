# Ce que dit le gateway lui-même, en français.
#
# Les arguments arrivent déjà mis en forme pour la locale et le canal du
# lecteur (montants comme `49,90 €`, dates en toutes lettres, titres
# échappés pour le markdown sur le web). Les nombres restent des nombres,
# pour que les variantes de pluriel choisissent la bonne forme (en français,
# 0 et 1 sont au singulier).

## Phrases fixes

greeting = Bonjour ! Je peux chercher des produits, répondre à vos questions, remplir votre panier et vous donner un lien de paiement. Que cherchez-vous ?
help = Essayez : « mugs Monet à moins de 20 euros », « le deuxième passe au lave-vaisselle ? », « ajoute-en deux », « mon panier », « je veux payer ».
goodbye = Merci de votre visite à la boutique du Museo. À bientôt !
unknown = Désolé, je n'ai pas compris. Je peux chercher dans la boutique, répondre à vos questions et gérer votre panier.
which-product = Quel produit ? Faites d'abord une recherche, ou donnez-moi son nom ou sa référence.
no-basket = Votre panier est vide.
nothing-to-change = Votre panier est vide : il n'y a encore rien à modifier. Que souhaitez-vous ajouter ?
admin-only = Seuls les administrateurs de la boutique peuvent faire cela.
nothing-found = Je n'ai rien trouvé de correspondant.
unavailable = Ce service est indisponible pour le moment ; réessayez dans un instant.
clarify = Je ne suis pas sûr de comprendre. Cherchez-vous un produit, avez-vous une question, ou s'agit-il de votre panier ?
which-file = Quel fichier ? Donnez son chemin sur le serveur.
need-email = À qui dois-je l'envoyer ? Donnez-moi son adresse e-mail.
rate-limited = Vous envoyez des messages trop vite. Patientez un instant puis réessayez.
forbidden = Cette session n'a pas le droit de faire cela.
confirm-delete = Supprimer définitivement { $product } ? C'est irréversible. Répondez « oui » pour le supprimer ou « non » pour le garder.
confirm-import = Répondez « oui » pour l'importer pour de bon, ou « non » pour laisser le catalogue tel quel.
cancelled = Entendu, c'est annulé. Rien n'a été modifié.
already-answered = Cette question a déjà reçu une réponse (dans une autre fenêtre ?). Je n'ai rien fait de plus.
need-text = Que doit dire le message ? Écrivez-le après deux-points, par ex. « envoie un e-mail à ana@example.com : votre commande est partie ».
confirm-send = J'envoie à { $to } : « { $text } » ? Répondez « oui » pour l'envoyer ou « non » pour annuler.
untitled = (produit sans titre)

## Résultats de recherche

products-found =
    { $count ->
        [one] J'ai trouvé { $count } produit :
       *[other] J'ai trouvé { $count } produits :
    }
products-first =
    { $count ->
        [one] Voici le premier produit :
       *[other] Voici les { $count } premiers produits :
    }
products-more = …et { $count } de plus.
out-of-stock = épuisé
stock-count = { $count } en stock

## Panier

basket-added = J'ai ajouté { $quantity } × { $product } à votre panier.
basket-header =
    { $count ->
        [one] Votre panier ({ $count } article) :
       *[other] Votre panier ({ $count } articles) :
    }
basket-total = Total : { $total }
basket-more =
    { $count ->
        [one] …et { $count } autre ligne.
       *[other] …et { $count } autres lignes.
    }

## Paiement

payment-total = Votre commande s'élève à { $total }.
payment-action = Payer maintenant
payment-action-url = Payer maintenant : { $url }
payment-expires = Le lien est valable jusqu'au { $expires }.
payment-no-link = Je n'ai pas pu obtenir de lien de paiement pour votre panier. Réessayez dans un instant.

## Fiche produit et questions

details-link = Voir le produit
details-link-url = Voir le produit : { $url }
answer-none = La fiche de { $product } ne répond pas à cette question.

## Administration : produits

admin-created =
    { $state ->
        [published] { $product } a été créé et publié.
       *[draft] { $product } a été créé et enregistré comme brouillon.
    }
admin-updated = { $product } a été mis à jour.
admin-deleted = { $product } a été supprimé.
admin-not-deleted = { $product } n'a pas été supprimé.
admin-done = Terminé : { $tool }.

## Administration : imports

admin-import-dry =
    Simulation, rien n'a été enregistré : { $created } à créer, { $updated } à mettre à jour, { $unchanged ->
        [one] { $unchanged } inchangé
       *[other] { $unchanged } inchangés
    }, { $failed } en erreur.
admin-import-done =
    Import terminé : { $created ->
        [one] { $created } créé
       *[other] { $created } créés
    }, { $updated } mis à jour, { $unchanged ->
        [one] { $unchanged } inchangé
       *[other] { $unchanged } inchangés
    }, { $failed } en erreur.
admin-import-partial =
    Avant l'arrêt : { $created ->
        [one] { $created } créé
       *[other] { $created } créés
    }, { $updated } mis à jour, { $unchanged ->
        [one] { $unchanged } inchangé
       *[other] { $unchanged } inchangés
    }, { $failed } en erreur.
admin-import-running = L'import se poursuit en arrière-plan (tâche { $job }). Demandez-moi où il en est dans un instant.
admin-import-cancelled = L'import a été annulé après { $rows } lignes.
admin-import-failed = L'import a échoué.
admin-import-stopped = Il s'est arrêté avant la fin : { $reason }
admin-import-failure = Ligne { $row } : { $error }
admin-import-more-failures =
    { $count ->
        [one] …et { $count } autre ligne en erreur.
       *[other] …et { $count } autres lignes en erreur.
    }

## Administration : notifications

notify-sent =
    { $channel ->
        [sms] SMS à { $to } : { $status }.
        [whatsapp] Message WhatsApp à { $to } : { $status }.
       *[email] E-mail à { $to } : { $status }.
    }
notify-status =
    { $status ->
        [queued] en file d'attente
        [accepted] accepté par le fournisseur
        [sending] en cours d'envoi
        [sent] envoyé
        [delivered] distribué
        [read] lu
        [failed] en échec
        [undelivered] non distribué
        [unknown] état inconnu
       *[other] { $status }
    }
notify-duplicate = Il avait déjà été envoyé avec la même clé d'idempotence : rien n'a été renvoyé.
notify-outbox = Il est parti dans la boîte d'envoi locale, pas chez un vrai fournisseur.
notify-id = Identifiant du message : { $id }

## Conversations : questions, refus, changements du panier

how-many = Combien en voulez-vous ?
no-more = C'est tout ce que j'ai trouvé pour cette recherche.
refine-empty = Aucun de ceux-là ne correspond. La liste ci-dessus reste valable.
help-none = Je n'ai pas trouvé cela dans nos pages d'aide. Le service client peut vous aider : shop@museo.example.
which-order = Quel est votre numéro de commande ? Il commence par « ord_ » et figure dans votre e-mail de confirmation.
which-one = Lequel voulez-vous dire ? Répondez avec son numéro ou son nom.
refuse-out-of-stock = Désolé, { $product } est en rupture de stock pour le moment.
refuse-out-of-stock-any = Désolé, ce produit est en rupture de stock pour le moment.
refuse-not-enough =
    { $available ->
        [one] Désolé, il ne reste qu'un exemplaire de { $product }.
       *[other] Désolé, il ne reste que { $available } × { $product } en stock.
    }
refuse-not-found = Je n'ai pas trouvé ce produit. Pouvez-vous me redonner son nom ?
refuse-basket-closed = Ce panier est déjà payé, il ne peut plus changer.
refuse-not-in-basket = { $product } n'est pas dans votre panier.
refuse-not-in-basket-any = Ce produit n'est pas dans votre panier.
refuse-failed = Désolé, je n'ai pas pu faire cela avec { $product } pour le moment. Réessayez.
refuse-failed-any = Désolé, je n'ai pas pu faire cela pour le moment. Réessayez.
basket-now = Vous avez maintenant { $quantity } × { $product } dans votre panier.
basket-removed = J'ai retiré { $product } de votre panier.
pick-cheapest = Le moins cher est { $product }, à { $price }.
pick-dearest = Le plus cher est { $product }, à { $price }.
order-status =
    { $status ->
        [pending] Votre commande { $order } attend son paiement.
        [paid] Votre commande { $order } est payée et en préparation.
        [expired] Votre commande { $order } a expiré avant d'être payée.
       *[other] Votre commande { $order } : { $status }.
    }
products-partial = Rien ne correspondait à tous les mots : voici les produits les plus proches.
