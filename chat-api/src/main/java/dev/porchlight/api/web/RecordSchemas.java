package dev.porchlight.api.web;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Makes the document's schema of every record say what its JSON really holds: a component
 * without {@code @Nullable} is always there and never null ({@code required}); a
 * {@code @Nullable} one may be null ({@code "null"} among its types), or, when it is
 * written only when set ({@code @JsonInclude(NON_NULL)}), may be missing. Requests read a
 * missing field as null, so {@code @Nullable} request fields are optional.
 */
final class RecordSchemas implements ModelConverter {

	private static final Set<JsonInclude.Include> OMITTED_WHEN_NULL = Set.of(JsonInclude.Include.NON_NULL,
			JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_DEFAULT);

	@Override
	public boolean isOpenapi31() {
		return true;
	}

	@Override
	@SuppressWarnings({ "rawtypes", "unchecked" })
	public @Nullable Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
		if (!chain.hasNext()) {
			return null;
		}
		Schema resolved = chain.next().resolve(type, context, chain);
		Class<?> raw = rawClass(type);
		if (resolved == null || raw == null || !raw.isRecord()) {
			return resolved;
		}
		Schema model = resolved;
		if (resolved.get$ref() != null) {
			String ref = resolved.get$ref();
			model = context.getDefinedModels().get(ref.substring(ref.lastIndexOf('/') + 1));
		}
		if (model == null || model.getProperties() == null) {
			return resolved;
		}
		Map<String, Schema> properties = new LinkedHashMap<>(model.getProperties());
		List<String> required = (model.getRequired() != null) ? new ArrayList<>(model.getRequired())
				: new ArrayList<>();
		for (RecordComponent component : raw.getRecordComponents()) {
			String name = name(component);
			Schema property = properties.get(name);
			if (property == null) {
				continue;
			}
			if (!component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
				// Never null, but a collection written only when it has something may be
				// missing.
				if (inclusion(raw, component) == JsonInclude.Include.NON_EMPTY) {
					required.remove(name);
				}
				else if (!required.contains(name)) {
					required.add(name);
				}
			}
			else if (!omittedWhenNull(raw, component)) {
				required.remove(name);
				properties.put(name, nullable(property));
			}
			else {
				required.remove(name);
			}
		}
		model.setProperties(properties);
		model.setRequired(required.isEmpty() ? null : required);
		return resolved;
	}

	/**
	 * Marks the fields that may be null as required in every schema that only answers use
	 * (none reachable from a request body): Jackson writes them, null included.
	 * @param openApi the document
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	static void requireNullableAnswerFields(OpenAPI openApi) {
		if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null
				|| openApi.getPaths() == null) {
			return;
		}
		Map<String, Schema> schemas = openApi.getComponents().getSchemas();
		Set<String> requests = new HashSet<>();
		openApi.getPaths().values().forEach((item) -> item.readOperations().forEach((operation) -> {
			if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
				operation.getRequestBody()
					.getContent()
					.values()
					.forEach((media) -> reach(media.getSchema(), schemas, requests));
			}
		}));
		schemas.forEach((name, schema) -> {
			if (requests.contains(name) || schema.getProperties() == null) {
				return;
			}
			List<String> required = (schema.getRequired() != null) ? new ArrayList<>(schema.getRequired())
					: new ArrayList<>();
			((Map<String, Schema>) schema.getProperties()).forEach((property, value) -> {
				if (mayBeNull(value) && !required.contains(property)) {
					required.add(property);
				}
			});
			schema.setRequired(required.isEmpty() ? null : required);
		});
	}

	private static boolean mayBeNull(Schema<?> property) {
		if (property.getTypes() != null && property.getTypes().contains("null")) {
			return true;
		}
		return property.getAnyOf() != null && property.getAnyOf()
			.stream()
			.anyMatch((either) -> either.getTypes() != null && either.getTypes().contains("null"));
	}

	/** Adds the names of every component schema the schema refers to, transitively. */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static void reach(@Nullable Schema schema, Map<String, Schema> schemas, Set<String> reached) {
		if (schema == null) {
			return;
		}
		if (schema.get$ref() != null) {
			String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
			if (reached.add(name)) {
				reach(schemas.get(name), schemas, reached);
			}
		}
		if (schema.getProperties() != null) {
			((Map<String, Schema>) schema.getProperties()).values().forEach((value) -> reach(value, schemas, reached));
		}
		reach(schema.getItems(), schemas, reached);
		if (schema.getAdditionalProperties() instanceof Schema additional) {
			reach(additional, schemas, reached);
		}
		for (List<Schema> either : java.util.Arrays.asList(schema.getAnyOf(), schema.getOneOf(), schema.getAllOf())) {
			if (either != null) {
				either.forEach((one) -> reach(one, schemas, reached));
			}
		}
	}

	private static @Nullable Class<?> rawClass(AnnotatedType type) {
		if (type.getType() == null) {
			return null;
		}
		return Json.mapper().constructType(type.getType()).getRawClass();
	}

	private static String name(RecordComponent component) {
		JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
		return (renamed != null && !renamed.value().isEmpty()) ? renamed.value() : component.getName();
	}

	private static boolean omittedWhenNull(Class<?> record, RecordComponent component) {
		JsonInclude.Include inclusion = inclusion(record, component);
		return inclusion != null && OMITTED_WHEN_NULL.contains(inclusion);
	}

	private static JsonInclude.@Nullable Include inclusion(Class<?> record, RecordComponent component) {
		JsonInclude own = component.getAccessor().getAnnotation(JsonInclude.class);
		if (own == null) {
			try {
				own = record.getDeclaredField(component.getName()).getAnnotation(JsonInclude.class);
			}
			catch (NoSuchFieldException ex) {
				own = null;
			}
		}
		JsonInclude inclusion = (own != null) ? own : record.getAnnotation(JsonInclude.class);
		return (inclusion != null) ? inclusion.value() : null;
	}

	/**
	 * The property, also allowing {@code null}: a {@code "null"} type beside its own, or,
	 * for a reference to another schema, either that schema or null.
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static Schema nullable(Schema property) {
		if (property.get$ref() != null) {
			Schema either = new JsonSchema();
			either.setDescription(property.getDescription());
			property.setDescription(null);
			either.addAnyOfItem(property);
			either.addAnyOfItem(new JsonSchema().typesItem("null"));
			return either;
		}
		if (property.getTypes() != null && !property.getTypes().isEmpty()) {
			property.addType("null");
		}
		else if (property.getType() != null) {
			property.addType(property.getType());
			property.addType("null");
		}
		return property;
	}

}
