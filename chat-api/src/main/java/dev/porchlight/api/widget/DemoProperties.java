package dev.porchlight.api.widget;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo store.
 *
 * @param enabled whether {@code /} shows a small fake shop with the widget of a demo site
 * (created on the first start) installed, so a newcomer can chat with themselves; when
 * off, {@code /} leads to the dashboard
 */
@ConfigurationProperties("porchlight.demo")
record DemoProperties(@DefaultValue("true") boolean enabled) {
}
