"""The CRUD routes every rule resource shares: list, create, read, replace, soft delete."""
from flask.views import MethodView
from marshmallow import Schema

from costapi.api.access import allow


def etag_of(row):
    return {"code": row.code, "version": row.version}


def rule_routes(blp, store, schema: type[Schema], present=None, present_many=None):
    """Register `/` and `/<code>` on `blp` for `store`, (de)serialized by `schema`.

    `present(row)` turns a row into what the schema dumps (default: the row itself);
    `present_many(rows)` does it for a page at once.
    """
    label = store.label
    present = present or (lambda row: row)
    present_many = present_many or (lambda rows: [present(row) for row in rows])

    @blp.route("")
    class Collection(MethodView):
        @allow("billing")
        @blp.response(200, schema(many=True))
        @blp.paginate()
        def get(self, pagination_parameters):
            pagination_parameters.item_count = store.count()
            if pagination_parameters.first_item >= pagination_parameters.item_count:
                return []
            return present_many(
                store.page(pagination_parameters.first_item, pagination_parameters.page_size)
            )

        @allow("admin")
        @blp.etag
        @blp.arguments(schema)
        @blp.response(201, schema)
        @blp.alt_response(409, description=f"A {label} with this code exists.")
        def post(self, data):
            row = store.create(data)
            blp.set_etag(etag_of(row))
            return present(row)

    @blp.route("/<string(maxlength=64):code>")
    class Item(MethodView):
        @allow("billing")
        @blp.etag
        @blp.response(200, schema)
        @blp.alt_response(404, description=f"No such {label}.")
        def get(self, code):
            row = store.get(code)
            blp.set_etag(etag_of(row))
            return present(row)

        @allow("admin")
        @blp.etag
        @blp.arguments(schema)
        @blp.response(200, schema)
        @blp.alt_response(404, description=f"No such {label}.")
        @blp.alt_response(409, description=f"Another request wrote the {label} at the same time.")
        def put(self, data, code):
            row = store.get(code)
            blp.check_etag(etag_of(row))
            row = store.replace(code, data, expected_version=row.version)
            blp.set_etag(etag_of(row))
            return present(row)

        @allow("admin")
        @blp.etag
        @blp.response(204)
        @blp.alt_response(404, description=f"No such {label}.")
        @blp.alt_response(409, description=f"The {label} is still in use.")
        def delete(self, code):
            row = store.get(code)
            blp.check_etag(etag_of(row))
            store.delete(code, expected_version=row.version)

    Collection.get.__doc__ = f"List the {label}s"
    Collection.post.__doc__ = f"Create a {label}"
    Item.get.__doc__ = f"Read a {label}"
    Item.put.__doc__ = f"Replace a {label} (If-Match required)"
    Item.delete.__doc__ = f"Delete a {label}; estimates that used it keep it (If-Match required)"
    return Collection, Item
