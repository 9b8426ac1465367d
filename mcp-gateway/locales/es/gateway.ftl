# Lo que dice el propio gateway, en español.
#
# Los argumentos llegan ya formateados para la configuración regional y el
# canal del lector (importes como `49,90 €`, fechas en palabras, títulos
# escapados para markdown en la web). Los recuentos son números, así que las
# variantes de plural eligen la forma correcta.

## Frases fijas

greeting = ¡Hola! Puedo buscar productos, responder preguntas sobre ellos, llenar tu cesta y darte un enlace de pago. ¿Qué buscas?
help = Prueba: "tazas de Monet de menos de 20 euros", "¿la segunda va al lavavajillas?", "añade dos de esas", "ver mi cesta", "quiero pagar".
goodbye = Gracias por visitar la tienda del Museo. ¡Hasta pronto!
unknown = Perdona, no te he entendido. Puedo buscar en la tienda, responder preguntas sobre productos y gestionar tu cesta.
which-product = ¿Qué producto? Busca primero, o dime su nombre o referencia.
no-basket = Tu cesta está vacía.
nothing-to-change = Tu cesta está vacía: todavía no hay nada que cambiar. ¿Qué quieres añadir?
admin-only = Solo los administradores de la tienda pueden hacer eso.
nothing-found = No he encontrado nada que coincida.
unavailable = Ese servicio no está disponible ahora mismo; inténtalo de nuevo en un momento.
clarify = No estoy seguro de lo que quieres. ¿Buscas un producto, preguntas por uno o quieres gestionar tu cesta?
which-file = ¿Qué archivo? Indica su ruta en el servidor.
need-email = ¿A quién se lo envío? Dame su dirección de correo electrónico.
rate-limited = Estás enviando mensajes demasiado rápido. Espera un momento y vuelve a intentarlo.
forbidden = Esta sesión no tiene permiso para hacer eso.
confirm-delete = ¿Eliminar { $product } definitivamente? No se puede deshacer. Responde "sí" para eliminarlo o "no" para conservarlo.
confirm-import = Responde "sí" para importarlo de verdad, o "no" para dejar el catálogo como está.
cancelled = De acuerdo, lo he cancelado. No se ha cambiado nada.
already-answered = Esa pregunta ya tiene respuesta (¿en otra ventana?). No he hecho nada más.
need-text = ¿Qué debe decir el mensaje? Escríbelo tras dos puntos, p. ej. "envía un correo a ana@example.com: tu pedido ha salido".
confirm-send = ¿Envío a { $to }: «{ $text }»? Responde "sí" para enviarlo o "no" para cancelar.
untitled = (producto sin título)

## Resultados de búsqueda

products-found =
    { $count ->
        [one] He encontrado 1 producto:
       *[other] He encontrado { $count } productos:
    }
products-first =
    { $count ->
        [one] Este es el primer producto:
       *[other] Estos son los primeros { $count } productos:
    }
products-more = …y { $count } más.
out-of-stock = agotado
stock-count =
    { $count ->
        [one] 1 disponible
       *[other] { $count } disponibles
    }

## Cesta

basket-added = He añadido { $quantity } × { $product } a tu cesta.
basket-header =
    { $count ->
        [one] Tu cesta (1 artículo):
       *[other] Tu cesta ({ $count } artículos):
    }
basket-total = Total: { $total }
basket-more =
    { $count ->
        [one] …y 1 línea más.
       *[other] …y { $count } líneas más.
    }

## Pago

payment-total = Tu pedido suma { $total }.
payment-action = Pagar ahora
payment-action-url = Pagar ahora: { $url }
payment-expires = El enlace es válido hasta el { $expires }.
payment-no-link = No he podido obtener un enlace de pago para tu cesta. Inténtalo de nuevo en un momento.

## Detalles y preguntas

details-link = Ver el producto
details-link-url = Ver el producto: { $url }
answer-none = La ficha de { $product } no responde a eso.

## Administración: productos

admin-created =
    { $state ->
        [published] He creado y publicado { $product }.
       *[draft] He creado { $product } y lo he guardado como borrador.
    }
admin-updated = He actualizado { $product }.
admin-deleted = He eliminado { $product }.
admin-not-deleted = { $product } no se ha eliminado.
admin-done = Hecho: { $tool }.

## Administración: importaciones

admin-import-dry =
    Simulación, no se ha guardado nada: { $created ->
        [one] 1 por crear
       *[other] { $created } por crear
    }, { $updated ->
        [one] 1 por actualizar
       *[other] { $updated } por actualizar
    }, { $unchanged ->
        [one] 1 sin cambios
       *[other] { $unchanged } sin cambios
    } y { $failed ->
        [one] 1 con errores
       *[other] { $failed } con errores
    }.
admin-import-done =
    Importación terminada: { $created ->
        [one] 1 creado
       *[other] { $created } creados
    }, { $updated ->
        [one] 1 actualizado
       *[other] { $updated } actualizados
    }, { $unchanged ->
        [one] 1 sin cambios
       *[other] { $unchanged } sin cambios
    } y { $failed ->
        [one] 1 con errores
       *[other] { $failed } con errores
    }.
admin-import-partial =
    Antes de detenerse: { $created ->
        [one] 1 creado
       *[other] { $created } creados
    }, { $updated ->
        [one] 1 actualizado
       *[other] { $updated } actualizados
    }, { $unchanged ->
        [one] 1 sin cambios
       *[other] { $unchanged } sin cambios
    } y { $failed ->
        [one] 1 con errores
       *[other] { $failed } con errores
    }.
admin-import-running = La importación sigue en segundo plano (tarea { $job }). Pregúntame por su estado dentro de un momento.
admin-import-cancelled = La importación se canceló tras leer { $rows } filas.
admin-import-failed = La importación ha fallado.
admin-import-stopped = Se detuvo antes de terminar: { $reason }
admin-import-failure = Fila { $row }: { $error }
admin-import-more-failures =
    { $count ->
        [one] …y 1 fila más con errores.
       *[other] …y { $count } filas más con errores.
    }

## Administración: notificaciones

notify-sent =
    { $channel ->
        [sms] SMS a { $to }: { $status }.
        [whatsapp] Mensaje de WhatsApp a { $to }: { $status }.
       *[email] Correo a { $to }: { $status }.
    }
notify-status =
    { $status ->
        [queued] en cola
        [accepted] aceptado por el proveedor
        [sending] enviándose
        [sent] enviado
        [delivered] entregado
        [read] leído
        [failed] fallido
        [undelivered] no entregado
        [unknown] estado desconocido
       *[other] { $status }
    }
notify-duplicate = Ya se había enviado con la misma clave de idempotencia, así que no se ha vuelto a enviar.
notify-outbox = Ha ido a la bandeja de salida local, no a un proveedor real.
notify-id = Id. del mensaje: { $id }

## Conversaciones: preguntas, negativas, cambios en la cesta

how-many = ¿Cuántas unidades quieres?
no-more = Eso es todo lo que encontré para esa búsqueda.
refine-empty = Ninguno de esos cumple eso. La lista de arriba sigue en pie.
help-none = No encontré eso en nuestras páginas de ayuda. Atención al cliente te ayuda en shop@museo.example.
which-order = ¿Cuál es tu número de pedido? Empieza por «ord_» y está en tu correo de confirmación.
which-one = ¿Cuál quieres decir? Responde con su número o su nombre.
refuse-out-of-stock = Lo siento, { $product } está agotado ahora mismo.
refuse-out-of-stock-any = Lo siento, ese producto está agotado ahora mismo.
refuse-not-enough =
    { $available ->
        [one] Lo siento, solo queda 1 unidad de { $product }.
       *[other] Lo siento, solo quedan { $available } unidades de { $product }.
    }
refuse-not-found = No encontré ese producto. ¿Me dices su nombre otra vez?
refuse-basket-closed = Esa cesta ya está pagada, así que no se puede cambiar.
refuse-not-in-basket = { $product } no está en tu cesta.
refuse-not-in-basket-any = Ese producto no está en tu cesta.
refuse-failed = Lo siento, no pude hacer eso con { $product } ahora. Inténtalo de nuevo.
refuse-failed-any = Lo siento, no pude hacer eso ahora. Inténtalo de nuevo.
basket-now = Ahora tienes { $quantity } × { $product } en tu cesta.
basket-removed = He quitado { $product } de tu cesta.
pick-cheapest = El más barato es { $product }, a { $price }.
pick-dearest = El más caro es { $product }, a { $price }.
order-status =
    { $status ->
        [pending] Tu pedido { $order } está pendiente de pago.
        [paid] Tu pedido { $order } está pagado y lo estamos preparando.
        [expired] Tu pedido { $order } caducó antes de pagarse.
       *[other] Tu pedido { $order }: { $status }.
    }
products-partial = Nada coincidía con todas las palabras; estos son los más parecidos.
