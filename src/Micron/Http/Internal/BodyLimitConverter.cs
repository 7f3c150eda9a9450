using System.ComponentModel;
using System.Globalization;

namespace Micron.Http.Internal;

/// <summary>Lets configuration bind <see cref="BodyLimit"/> from text such as <c>"1mb"</c>.</summary>
internal sealed class BodyLimitConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? BodyLimit.Parse(text) : base.ConvertFrom(context, culture, value);
}
